"""collab-assess: how mature is a provider collaborative? Feature packages over one store (see the
README's map for developers)."""
