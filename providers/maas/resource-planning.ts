/**
 * The plan-time side of each maas resource type and data source (pure): which validation
 * and which plan each type has. The router (src/provider/resource-router.ts) looks types up here.
 */
import type { ResourcePlanning } from '../../src/provider/resource-handler.js';
import { planDevice } from './resources/device-plan.js';
import { validateDeviceConfig } from './resources/device-validation.js';
import { planDnsDomain, validateDnsDomainConfig } from './resources/dns-domain-config.js';
import { planDnsRecord, validateDnsRecordConfig } from './resources/dns-record-config.js';
import { planReservedIp, validateReservedIpConfig } from './resources/reserved-ip-config.js';
import { validateSubnetDataSourceConfig } from './resources/subnet-data-source.js';
import { planTag, validateTagConfig } from './resources/tag-config.js';

export const MAAS_PLANNING: Readonly<Record<string, ResourcePlanning>> = {
  maas_device: {
    validate: (req) => validateDeviceConfig(req.config),
    plan: (req) => planDevice(req.prior, req.config),
  },
  maas_dns_record: {
    validate: (req) => validateDnsRecordConfig(req.config),
    plan: (req) => planDnsRecord(req.prior, req.config),
  },
  maas_dns_domain: {
    validate: (req) => validateDnsDomainConfig(req.config),
    plan: (req) => planDnsDomain(req.prior, req.config),
  },
  maas_tag: {
    validate: (req) => validateTagConfig(req.config),
    plan: (req) => planTag(req.prior, req.config),
  },
  maas_reserved_ip: {
    validate: (req) => validateReservedIpConfig(req.config),
    plan: (req) => planReservedIp(req.prior, req.config),
  },
};

export const MAAS_DATA_SOURCE_PLANNING: Readonly<Record<string, ResourcePlanning>> = {
  maas_subnet: { validate: (req) => validateSubnetDataSourceConfig(req.config) },
};
