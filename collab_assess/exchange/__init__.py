"""Data in and out of collab-assess: spreadsheet export of a collaborative's data, and import of
responses gathered elsewhere (a Microsoft Forms or Excel survey)."""
