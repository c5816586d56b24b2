/* kd_saliency.h — input-attribution maps of one class logit.
 *
 * Every method explains the *pre-softmax* logit of a target class: the softmax couples all
 * classes, so the gradient of a probability also carries "less of the others", and Integrated
 * Gradients is only complete (attributions sum to f(x) - f(baseline)) for the function it
 * integrates. Maps have the shape of one input, (C, H, W); non-image data is (1, 1, d).
 *
 * All functions run on a caller-owned network that no other thread uses (a clone of a
 * snapshot, see kd_net_clone). Dropout is switched off for the call and restored afterwards.
 * The input gradients of a whole batch come from one forward and one backward pass, so the
 * network's max_batch sets how many IG steps or SmoothGrad samples share a pass (more are
 * done in chunks). The backward pass also accumulates into net->grads, which is therefore
 * left with meaningless values.
 */
#pragma once

#include <stdint.h>

#include "kd_dataset.h"
#include "kd_net.h"
#include "kd_status.h"

typedef enum
{
  KD_SALIENCY_GRADIENT,             /* d logit / d x (Simonyan et al. 2014) */
  KD_SALIENCY_GRAD_X_INPUT,         /* x * d logit / d x (Shrikumar et al. 2016) */
  KD_SALIENCY_SMOOTHGRAD,           /* mean gradient over noisy copies (Smilkov et al. 2017) */
  KD_SALIENCY_INTEGRATED_GRADIENTS, /* Sundararajan et al. 2017 */
  KD_SALIENCY_N_METHODS,
} KdSaliencyMethod;

typedef enum
{
  KD_TARGET_LABEL,     /* the sample's true label */
  KD_TARGET_PREDICTED, /* the explained model's own top-1 class */
  KD_TARGET_CLASS,     /* a given class, e.g. the teacher's prediction for all three models */
} KdTargetKind;

typedef struct
{
  KdTargetKind kind;
  int class_index; /* KD_TARGET_CLASS only */
} KdSaliencyTarget;

typedef enum
{
  KD_BASELINE_ZEROS, /* all-zero input (in normalised units, i.e. the dataset's mean pixel) */
  KD_BASELINE_MEAN,  /* the dataset's mean input, KdSaliencyConfig.mean */
  KD_BASELINE_BLUR,  /* the input under a Gaussian blur of blur_sigma pixels */
} KdBaselineKind;

typedef struct
{
  KdSaliencyMethod method;
  KdSaliencyTarget target;

  /* SmoothGrad */
  int n_samples;     /* noisy copies, >= 1 */
  float sigma;       /* noise standard deviation as a fraction of the input range, >= 0 */
  float input_range; /* max - min of the inputs; <= 0: the sample's own max - min */
  uint64_t seed;     /* the noise stream: the same seed gives the same map */

  /* Integrated Gradients (midpoint Riemann sum, see kd_saliency.c) */
  int steps; /* >= 1 */
  KdBaselineKind baseline;
  const float *mean; /* (C, H, W) borrowed; KD_BASELINE_MEAN only (kd_saliency_dataset_mean) */
  float blur_sigma;  /* pixels, in (0, KD_BLUR_MAX_SIGMA]; KD_BASELINE_BLUR only */
} KdSaliencyConfig;

typedef struct
{
  int target;  /* the class whose logit was explained */
  float logit; /* that logit at the input, f(x) */

  /* Integrated Gradients only; NAN for the other methods. */
  float baseline_logit;      /* f(baseline) */
  double attribution_sum;    /* sum of the map */
  double completeness_error; /* |sum - (f(x) - f(b))| / |f(x) - f(b)|; NAN when f(x) = f(b) */
} KdSaliencyInfo;

/* Defaults of the papers: SmoothGrad 50 samples at sigma 0.15, IG 32 steps from zeros; the
 * target is the true label. */
void kd_saliency_config_default (KdSaliencyConfig *cfg, KdSaliencyMethod method);
/* "gradient", "gradient-x-input", "smoothgrad", "integrated-gradients"; NULL when invalid. */
const char *kd_saliency_method_name (KdSaliencyMethod method);
/* KD_ERR_INVALID for out-of-range fields, a missing mean, or a blurred baseline on input that
 * is not an image (h or w of 1). */
KdStatus kd_saliency_config_check (const KdSaliencyConfig *cfg, const KdNet *net);

/* The class a target selects for input x (C, H, W) with true label `label` (-1 if unknown;
 * KD_ERR_INVALID when it is needed). KD_TARGET_PREDICTED costs one forward pass. */
KdStatus kd_saliency_resolve_target (
    KdNet *net, const float *x, int label, const KdSaliencyTarget *target, int *cls);

/* grad (b, C, H, W) = d logit[i, targets[i]] / d x[i] for b inputs x (b, C, H, W), one
 * forward/backward per max_batch inputs. logits (b), when not NULL, receives each target
 * logit. */
KdStatus kd_saliency_input_gradient (
    KdNet *net, const float *x, const int *targets, int b, float *grad, float *logits);

/* The map of `cfg->method` for one input x (C, H, W) with true label `label` (-1 if unknown);
 * map (C, H, W). info may be NULL. */
KdStatus kd_saliency_compute (KdNet *net,
                              const float *x,
                              int label,
                              const KdSaliencyConfig *cfg,
                              float *map,
                              KdSaliencyInfo *info);

/* The IG baseline that cfg selects for input x (c, h, w); baseline (c, h, w). */
KdStatus kd_saliency_baseline (
    const KdSaliencyConfig *cfg, const float *x, int c, int h, int w, float *baseline);

/* Far beyond any image size; keeps the kernel's length an int. */
#define KD_BLUR_MAX_SIGMA 1e4f

/* out (c, h, w) = each channel of in (c, h, w) convolved with a normalised Gaussian of
 * standard deviation sigma pixels, 0 <= sigma <= KD_BLUR_MAX_SIGMA (truncated at 3 sigma,
 * edges replicated); sigma 0 copies. in and out must not overlap. */
KdStatus kd_gaussian_blur (const float *in, int c, int h, int w, float sigma, float *out);

/* mean (C, H, W) = the mean normalised input of the dataset (the KD_BASELINE_MEAN baseline). */
KdStatus kd_saliency_dataset_mean (const KdDataset *ds, float *mean);
