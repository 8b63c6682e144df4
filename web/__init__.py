"""The web relay: the only thing browsers reach. Public status, ticket pages, the clerk console."""
