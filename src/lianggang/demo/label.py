"""The label every synthetic figure carries, wherever it shows (pages, files, reports, the
ledger's demo records): written once, here."""

DEMO_LABEL = "演示数据，非官方统计"
