"""After the GAR's single sign-on: what happens to a validated identity (`arrival.py`,
`gar_arrive`), the first arrival's pages (`views.py`) and writes (`services.py`)."""
