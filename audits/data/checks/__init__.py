"""Metadata of the checks in audits/checks (one <id>.yaml each), read by audits.checks.common.check_meta."""
