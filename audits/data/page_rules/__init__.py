"""Rules as data: <id>.yaml (metadata) and <id>.js (the in-page function), read by audits/checks/page_rules.py."""
