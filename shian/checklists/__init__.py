"""The checklist engine: versioned checklists, locked signed records, offline drafts and photos.

It imports no domain app; a module (visits today, inspections next) plugs in like this:

Kinds (`shian.checklists.kinds`)
    `register_kinds(choices)` from the module's AppConfig.ready(): the module's checklist families as
    (value, label) pairs. `Checklist.kind` is a plain CharField whose choices come from this registry, so a new
    kind needs no migration and no edit here.

Models (`shian.checklists.models`)
    `Checklist` (kind, region or none for the province defaults, version, title) and `ChecklistItem`
    (position, category, text, `Severity` key/general, guidance). Versions are never edited: a change is a
    new version, and a record keeps the version it was filled on. Abstract bases for the module's records:
    `SignedRecord` (client key, checklist, started/signed/received, signer; locked once saved: `Locked`),
    `SignedAnswer` (item, `Result` pass/fail/na, note), `RecordAddendum` (a correction: text, who, when) and
    `StoredFile` (a photo or file: the shown copy without EXIF/GPS and the original). The module adds the
    foreign keys to its own record and its own Meta. A module seeds its default checklists by a data
    migration (version 1, no region).

Services (`shian.checklists.services`)
    `resolve_checklist(kind=, region_code=)`: the checklist that applies (newest version from the most
    specific region, `core.config.most_specific`). `create_checklist_version(actor=, kind=, region_code=,
    title=, items=, note=, kinds=)`: a region's edit as a new version (scope checked, audited; the module
    checks its own permission first). `check_answers(items, answers)`: every item answered once, a 不符合
    explained. `store_file(model, actor=, upload=)` and `claim_files(pending, actor=, ids=, **owner)`: photos
    checked (`core.uploads`), stored, then attached only by the user who uploaded them. For signing a record:
    `client_key(value)` (the phone's resend key), `png_signature(image, name)` (a handwritten signature canvas,
    the refusal naming the signer), `location(latitude, longitude)` (checked coordinates, six decimals).

Selectors (`shian.checklists.selectors`)
    `checklist_list(user=, kinds=)` and `checklist_get(user=, pk=, kinds=)`: the versions a user may read.

Forms and pages (`shian.checklists.forms`, templates `checklists/`, static `checklists/offline_form.js`)
    `posted_answers(post, files, items, store_photo)` reads a posted checklist form; `int_or_404`,
    `uuid_or_none` read its ids; `signed_reply(request, record, url_name, message)` and `rejected_reply(errors)`
    answer it (JSON for the offline outbox, else a message and a redirect); `parse_item_lines` and
    `item_lines` are the one-line-per-item editing text. A module's form includes `checklists/_item.html`
    per item (result, note, `checklists/_photo_input.html`), marks its form `data-offline-form` with a
    `data-draft-key`, and includes `checklists/_outbox.html` (extend it to name the records in the
    messages): the draft stays on the phone until signed, and a record signed offline waits in an IndexedDB
    outbox until the connection returns.
"""
