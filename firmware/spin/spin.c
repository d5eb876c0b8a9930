/* Never ends: for the --max-cycles limit. */
volatile unsigned spin_counter;

int main(void)
{
    for (;;)
        spin_counter++;
}
