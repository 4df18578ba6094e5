file(REMOVE_RECURSE
  "CMakeFiles/hp2base.dir/src/log.c.o"
  "CMakeFiles/hp2base.dir/src/log.c.o.d"
  "CMakeFiles/hp2base.dir/src/netlink.c.o"
  "CMakeFiles/hp2base.dir/src/netlink.c.o.d"
  "CMakeFiles/hp2base.dir/src/uevent.c.o"
  "CMakeFiles/hp2base.dir/src/uevent.c.o.d"
  "libhp2base.a"
  "libhp2base.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/hp2base.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
