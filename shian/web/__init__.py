"""Pages that gather several apps onto one screen (the home page); above the domain apps, beside the API."""
