"""The formats and options of import and export, with no Django import: the command line
builds its choices from these before Django is set up."""

IMPORT_FORMATS = ("csv", "xlsx", "dhis2-json", "dhis2-csv", "adx", "opensdg")
EXPORT_FORMATS = (
    "csv",
    "xlsx",
    "dhis2-json",
    "dhis2-csv",
    "adx",
    "sdmx-csv",
    "opensdg",
    "jsonstat",
)
# Formats whose observations are indicator values (the others carry the reported values).
FIGURE_FORMATS = {"sdmx-csv", "opensdg"}
STRATEGIES = ("CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE")
ATOMIC_MODES = ("ALL", "NONE")
ID_SCHEMES = ("CODE", "UID", "NAME")
