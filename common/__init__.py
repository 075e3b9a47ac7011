"""Small helpers every app's views share. Not an app: no models, and it imports no app."""
