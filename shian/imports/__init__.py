"""The import engine: how a module takes in the spreadsheets clerks really send (ledgers, lab results, 12315
complaint files, evaluation catalogs, insurance lists) without copying the machinery or importing another app.

A module plugs in with data and a few classes; the engine imports no domain app.

1. **Column specs as data** (:mod:`shian.imports.specs`). A :class:`~shian.imports.specs.TableSpec` lists
   :class:`~shian.imports.specs.Column` s: key, Chinese header (a ``gettext_noop`` string), the variants
   clerks type (``aliases``), type (text, ID, date, int, decimal, enumeration with
   :class:`~shian.imports.specs.Choice` s, e.g. :func:`~shian.imports.specs.choices_from` a model's
   ``TextChoices``), required, width, note and example for the template. Domain rules come in through the
   column: ``fold`` normalises an identifier as it is read, ``validate`` is the rule the importer checks.
2. **Reading real files** (:func:`shian.imports.reading.read_sheet`): xlsx/xls/ods/CSV (UTF-8, GBK,
   UTF-16 text), the sheet and header row found by the spec's headers below titles and notes (two-row and
   grouped headers too), Excel dates and serials, numbers that lost digits, enumeration labels, the
   template's example row skipped. Returns a :class:`~shian.imports.reading.Sheet` of
   :class:`~shian.imports.reading.Row` s with reading problems as :class:`~shian.imports.cells.CellError`
   (row, column, value, rule, message); a file that cannot be read raises
   :class:`~shian.imports.cells.ImportFileError` with a message for the clerk. Opening files is
   :mod:`shian.imports.files`, finding the header :mod:`shian.imports.headers`, cell types
   :mod:`shian.imports.cells`.
3. **Cell-level report and template** (:mod:`shian.imports.workbooks`): :func:`template_xlsx` (headers with
   comments, dropdowns, text-formatted code columns, an instructions sheet) and :func:`error_report_xlsx`
   (the upload as the clerk laid it out, bad cells in red with comments, an 错误说明 column and an 错误清单
   sheet), both from the spec, both readable back.
4. **Validation and writes** (:mod:`shian.imports.importer`): subclass
   :class:`~shian.imports.importer.Importer` per kind, set ``spec``, prepare set-based lookups in
   ``prepare`` and return :class:`~shian.imports.importer.Change` s from ``check_row`` (``error``,
   ``check``, ``duplicates`` and ``diff`` help); the engine plans the file and applies it in bulk, recording
   what each row :class:`~shian.imports.importer.Written`.
5. **Batches** (:mod:`shian.imports.models`, :mod:`shian.imports.batches`, :mod:`shian.imports.tasks`):
   subclass the abstract :class:`~shian.imports.models.ImportBatchBase` and
   :class:`~shian.imports.models.ImportRowBase` (file, SHA-256 hash, mode, status, counts, errors, progress,
   per-row outcome with the values before), describe the module with a
   :class:`~shian.imports.batches.Pipeline` (importers by kind, models, audit prefix, rollback check), and
   from the module's services (after its permission and scope checks) call
   :func:`~shian.imports.batches.create_batch`, :func:`~shian.imports.tasks.enqueue` (background task with
   progress) or :func:`~shian.imports.batches.process_batch` (foreground), and
   :func:`~shian.imports.batches.rollback_batch`. A commit is all-or-nothing (mode ``commit``) unless the
   user chose ``skip_invalid``; ``dry_run`` only validates. Every commit and rollback is audited.

The ledgers (:mod:`shian.ledgers`) are the first full user; the question bank (:mod:`shian.knowledge.importing`)
reuses the reader and its cell errors.
"""
