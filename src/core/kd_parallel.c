#include "kd_parallel.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define KD_MAX_HELPERS 63

typedef struct
{
  pthread_mutex_t lock;
  pthread_cond_t wake, done;
  pthread_t threads[KD_MAX_HELPERS];
  int n_helpers;
  unsigned long generation; /* bumped per job; helpers run each generation once */
  int pending;              /* helpers still working on the current job */
  bool quit;
  KdRangeFunc func;
  void *user_data;
  size_t n, chunk;
} Pool;

static Pool pool = { .lock = PTHREAD_MUTEX_INITIALIZER,
                     .wake = PTHREAD_COND_INITIALIZER,
                     .done = PTHREAD_COND_INITIALIZER };

/* Serialises kd_parallel_for callers and pool resizes. */
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;

static void
run_chunk (size_t index)
{
  size_t begin = index * pool.chunk;
  size_t end = begin + pool.chunk < pool.n ? begin + pool.chunk : pool.n;
  if (begin < end)
    pool.func (begin, end, pool.user_data);
}

static void *
helper_main (void *arg)
{
  size_t index = (size_t)(uintptr_t)arg;
  unsigned long seen = 0;
  pthread_mutex_lock (&pool.lock);
  for (;;)
    {
      while (!pool.quit && pool.generation == seen)
        pthread_cond_wait (&pool.wake, &pool.lock);
      if (pool.quit)
        break;
      seen = pool.generation;
      pthread_mutex_unlock (&pool.lock);
      run_chunk (index);
      pthread_mutex_lock (&pool.lock);
      if (--pool.pending == 0)
        pthread_cond_signal (&pool.done);
    }
  pthread_mutex_unlock (&pool.lock);
  return NULL;
}

static void
stop_helpers (void)
{
  pthread_mutex_lock (&pool.lock);
  pool.quit = true;
  pthread_cond_broadcast (&pool.wake);
  pthread_mutex_unlock (&pool.lock);
  for (int i = 0; i < pool.n_helpers; i++)
    pthread_join (pool.threads[i], NULL);
  pool.n_helpers = 0;
  pool.quit = false;
}

void
kd_parallel_set_threads (int threads)
{
  int helpers = threads - 1;
  helpers = helpers < 0 ? 0 : helpers > KD_MAX_HELPERS ? KD_MAX_HELPERS : helpers;
  pthread_mutex_lock (&job_lock);
  if (helpers != pool.n_helpers)
    {
      stop_helpers ();
      pool.generation = 0;
      for (int i = 0; i < helpers; i++)
        {
          if (pthread_create (&pool.threads[i], NULL, helper_main, (void *)(uintptr_t)(i + 1)) != 0)
            break; /* fewer helpers still compute the same result */
          pool.n_helpers++;
        }
    }
  pthread_mutex_unlock (&job_lock);
}

int
kd_parallel_get_threads (void)
{
  return pool.n_helpers + 1;
}

void
kd_parallel_for (size_t n, size_t min_chunk, KdRangeFunc func, void *user_data)
{
  pthread_mutex_lock (&job_lock);
  size_t parts = (size_t)pool.n_helpers + 1;
  if (parts == 1 || n < parts * (min_chunk ? min_chunk : 1))
    {
      pthread_mutex_unlock (&job_lock);
      func (0, n, user_data);
      return;
    }
  /* Chunk boundaries on 16-element (64-byte) lines: no false sharing, and the split is the
   * same for the same n and thread count, so results are reproducible. */
  size_t chunk = ((n + parts - 1) / parts + 15) & ~(size_t)15;
  pthread_mutex_lock (&pool.lock);
  pool.func = func;
  pool.user_data = user_data;
  pool.n = n;
  pool.chunk = chunk;
  pool.pending = pool.n_helpers;
  pool.generation++;
  pthread_cond_broadcast (&pool.wake);
  pthread_mutex_unlock (&pool.lock);
  run_chunk (0);
  pthread_mutex_lock (&pool.lock);
  while (pool.pending > 0)
    pthread_cond_wait (&pool.done, &pool.lock);
  pthread_mutex_unlock (&pool.lock);
  pthread_mutex_unlock (&job_lock);
}
