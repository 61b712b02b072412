"""Import services into the Local Offer from the CSV template or from ORUK 3.0 JSON.

Both importers work in two passes: first every row (or record) is read and checked, and each
problem is reported with its line (CSV) or record number (JSON) and a reason a person can act on;
only when there are no problems at all is anything written, in one transaction. So a file either
goes in whole or not at all.

Updates are idempotent: a row with an `id` (the service's UUID) updates that service, or creates it
with that id; a row without one updates the service with the same name from the same provider when
there is exactly one, and otherwise creates a new service. Each update replaces what the row
describes (opening times, phones, needs and categories, costs, languages, areas, locations).

The CSV template (directory/samples/services-template.csv) is documented in
directory/samples/README.md; `TEMPLATE_COLUMNS` (in `csv`) is the order of its columns.

The package's modules: `csv` (the CSV template), `oruk_json` (ORUK 3.0 JSON), `rows` (the shape
both are read into, and the checks on each value) and `writing` (one transaction for the lot).
"""

from directory.importing.csv import TEMPLATE_COLUMNS, import_csv
from directory.importing.oruk_json import import_oruk_json
from directory.importing.rows import ImportResult, RowError

__all__ = ["TEMPLATE_COLUMNS", "ImportResult", "RowError", "import_csv", "import_oruk_json"]
