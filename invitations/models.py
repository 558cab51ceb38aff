# Invitations (administrator and team) arrive with their own issue.
