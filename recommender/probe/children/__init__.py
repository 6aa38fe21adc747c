"""Child probe scripts. They run by path in a subprocess and import only ``_harness`` and their framework."""
