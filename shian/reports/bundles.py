"""Many documents in one download: a zip written to a temporary file, so a township's hundreds of files never sit
in memory at once.

    out = zip_bundle((name, data, cadre.pk) for cadre in cadres)   # rewound, ready to stream
    return FileResponse(out, as_attachment=True, filename="….zip", content_type=ZIP_CONTENT_TYPE)
"""

import tempfile
import zipfile
from collections.abc import Hashable, Iterable
from typing import IO

ZIP_CONTENT_TYPE = "application/zip"


def zip_bundle(files: Iterable[tuple[str, bytes, Hashable]]) -> IO[bytes]:
    """A zip of `(file name, bytes, tiebreak)` in a temporary file, rewound. A name already used gets
    `_<tiebreak>` before its extension (two cadres of one name in one village). The file is closed if
    building it fails; the caller (or the response streaming it) closes it otherwise."""
    out = tempfile.TemporaryFile()
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            used: set[str] = set()
            for name, data, tiebreak in files:
                if name in used:
                    stem, ext = name.rsplit(".", 1)
                    name = f"{stem}_{tiebreak}.{ext}"
                used.add(name)
                archive.writestr(name, data)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return out
