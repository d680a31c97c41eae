#define SIXIA_VERSION "0.1.0"
