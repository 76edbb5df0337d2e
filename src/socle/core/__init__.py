"""Domain vocabulary shared by every layer: access levels, licences, themes, Table Schema."""
