// Placeholder so the library has a source until the first real one lands; delete then.
