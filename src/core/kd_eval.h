/* kd_eval.h — whole-dataset evaluation: logits in batches and the three headline numbers. */
#pragma once

#include <stdint.h>

#include "kd_dataset.h"
#include "kd_net.h"

/* logits (ds->n, n_classes) for the whole dataset, in batches of net->max_batch, with
 * dropout off. */
KdStatus kd_eval_logits (KdNet *net, const KdDataset *ds, float *logits);

/* Share of rows whose arg-max equals the label. */
double kd_accuracy (const float *logits, const uint8_t *labels, int n, int K);
/* Share of rows where a and b have the same arg-max (teacher-student top-1 agreement). */
double kd_agreement (const float *a, const float *b, int n, int K);
/* Mean over rows of KL(softmax(t/T) || softmax(s/T)). */
double kd_mean_kl (const float *t, const float *s, int n, int K, float T);

int kd_argmax (const float *row, int K);
