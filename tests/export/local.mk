# Exports of the RDV list (issue 6): the .xlsx and .pdf read back cell by
# cell, row-level security on their content and on stored exports, and the
# client's Liste des RDV / Mon compte screens in tmux.
EXPORT_TESTS = \
	tests/export/columns.sh \
	tests/export/security.sh \
	tests/export/demo_pages.sh \
	tests/export/ui_export.sh \
	tests/export/agent_names.sh \
	tests/export/ui_lists_keys.sh \
	tests/export/xlsx_reader.sh
TESTS += $(EXPORT_TESTS)
EXTRA_DIST += $(EXPORT_TESTS) tests/export/fixture.sql tests/export/expected.tsv \
	tests/export/check.py
