# Campaigns, codes and participations arrive with their own issue.
