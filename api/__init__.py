"""The dashboard API: a Falcon app over the runner's dashboard models."""
