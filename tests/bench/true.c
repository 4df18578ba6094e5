/* The floor of a kernel helper's cost: a program that does nothing, linked statically like hotplug2-dnode. */
int
main(void)
{
	return 0;
}
