/* volume_views.h — the volume suite's views, and the machine panel any run can show:
 *
 *   volume        mesh records: the frame at the cursor drawn in 3D (orbit camera from the view
 *                 state), with the frame's number, triangle count and time breakdown.
 *   frame-times   metric records field_ms / mc_ms / render_ms: one stacked bar per frame.
 *   summary       header, progress, end, summary: the KPI panel.
 *   system        the header's "system" object: CPU, memory, GPU (or why none), platform.
 */
#ifndef PC_VOLUME_VIEWS_H
#define PC_VOLUME_VIEWS_H

#include <stddef.h>

#include "gfx.h"
#include "model.h"
#include "views.h"

int pc_view_volume(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
int pc_view_volume_frame_times(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
int pc_view_volume_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
int pc_view_system(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* Scratch the volume view wants for a w x h frame of m (its largest kept mesh). */
size_t pc_view_volume_scratch_bytes(const pc_model_t *m, int w, int h);

#endif
