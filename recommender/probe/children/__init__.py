"""Child probe scripts: run by path in a subprocess, importing only ``_harness`` and a framework."""
