file(REMOVE_RECURSE
  "libhp2base.a"
)
