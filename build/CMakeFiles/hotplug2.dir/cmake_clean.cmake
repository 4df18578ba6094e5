file(REMOVE_RECURSE
  "CMakeFiles/hotplug2.dir/src/hotplug2.c.o"
  "CMakeFiles/hotplug2.dir/src/hotplug2.c.o.d"
  "CMakeFiles/hotplug2.dir/src/monitor.c.o"
  "CMakeFiles/hotplug2.dir/src/monitor.c.o.d"
  "hotplug2"
  "hotplug2.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/hotplug2.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
