/* The exit code of main is the exit code of the run. */
int main(void)
{
    return 42;
}
