/** The JSON Schemas (files in `schemas/`) of the kuma provider block and its resource types. */
import monitor from '../../schemas/kuma_monitor.schema.json' with { type: 'json' };
import notification from '../../schemas/kuma_notification.schema.json' with { type: 'json' };
import provider from '../../schemas/provider-kuma.schema.json' with { type: 'json' };
import tag from '../../schemas/kuma_tag.schema.json' with { type: 'json' };

export const kumaJsonSchemas: { provider: object; monitor: object; tag: object; notification: object } = {
  provider,
  monitor,
  tag,
  notification,
};
