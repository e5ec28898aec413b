from wardnews.wards.hosts import default_ward


def portal(request):
    """The current ward (its name and contacts) and its category menu."""
    # Error pages may be rendered for a request the middleware never saw.
    ward = getattr(request, "ward", None) or default_ward()
    return {
        "ward": ward,
        # Lazy: evaluated once, by the template's menu, where it is shown.
        "menu_categories": ward.categories.all(),
    }
