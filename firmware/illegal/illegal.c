/* Executes an illegal instruction: the simulator must report it (core, pc, do_illegal). */
__attribute__((noinline)) void do_illegal(void)
{
    __asm__ volatile(".word 0xffffffff");
}

int main(void)
{
    do_illegal();
    return 0;
}
