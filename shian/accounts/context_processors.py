def shell(request):
    """Placeholder replaced by the navigation shell."""
    return {}
