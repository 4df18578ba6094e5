# Empty compiler generated dependencies file for hp2base.
# This may be replaced when dependencies are built.
