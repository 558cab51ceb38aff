# Learners and SIECLE imports arrive with the import issue.
