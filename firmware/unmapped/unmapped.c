/* Loads from an address outside every region: the simulator must report a memory fault. */
__attribute__((noinline)) int do_bad_load(void)
{
    return *(volatile int *)0x30000000;
}

int main(void)
{
    return do_bad_load();
}
