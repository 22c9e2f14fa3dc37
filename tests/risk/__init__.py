"""Tests of the risk analysis: loaders, pages, commands, and the matrix following it."""
