"""Signal lists as data (hosts, fingerprints, names) that detectors read; see the README in each file."""
