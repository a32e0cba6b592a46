"""Browser interface: the wizard, result pages, validation runs, comparisons."""
