"""govaudit's own detectors. Each module holds one `RuleModule`; registered in pyproject.toml."""
