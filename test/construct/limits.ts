/**
 * AWS's limits on what a stack may hold, measured on a synthesised template: IAM policy sizes (whitespace not
 * counted, as IAM counts them), Lambda environment size, template size and resource count.
 */
export const Limits = {
  inlinePolicyCharsPerRole: 10_240,
  managedPolicyChars: 6_144,
  managedPoliciesPerRole: 10,
  environmentBytes: 4_096,
  templateBytes: 1_000_000,
  resources: 500,
} as const;

type Resource = { Type: string; Properties?: Record<string, unknown> };
export type TemplateJson = { Resources: Record<string, Resource> };

/** A reference or intrinsic counted at the longest its value is in practice (a qualified Lambda ARN). */
const INTRINSIC_CHARS = 150;

/** The size of a policy document as IAM counts it: JSON without whitespace, intrinsics at their likely length. */
export function policyChars(document: unknown): number {
  return size(document);
}

function size(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (Array.isArray(value)) return 2 + value.reduce((sum: number, item) => sum + size(item) + 1, 0);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) {
      if (keys[0] === 'Fn::Join') {
        const [, parts] = record['Fn::Join'] as [string, unknown[]];
        return parts.reduce((sum: number, part) => sum + (typeof part === 'string' ? part.length : 20), 2);
      }
      return INTRINSIC_CHARS;
    }
    return 2 + keys.reduce((sum, key) => sum + key.length + 3 + size(record[key]), 0);
  }
  return 4;
}

export interface Measured {
  readonly inlinePolicyChars: Record<string, number>;
  readonly managedPolicyChars: Record<string, number>;
  readonly managedPoliciesPerRole: Record<string, number>;
  readonly environmentBytes: Record<string, number>;
  readonly templateBytes: number;
  readonly resources: number;
}

const roleIds = (roles: unknown): string[] =>
  [roles]
    .flat()
    .flatMap((role) =>
      role !== null && typeof role === 'object' && 'Ref' in (role as object) ? [(role as { Ref: string }).Ref] : [],
    );

export function measure(template: TemplateJson): Measured {
  const inline: Record<string, number> = {};
  const managed: Record<string, number> = {};
  const managedPerRole: Record<string, number> = {};
  const environment: Record<string, number> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of (properties.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? [])
        inline[id] = (inline[id] ?? 0) + policyChars(policy.PolicyDocument);
      managedPerRole[id] = ((properties.ManagedPolicyArns as unknown[] | undefined) ?? []).length;
    }
    if (resource.Type === 'AWS::IAM::Policy')
      for (const role of roleIds(properties.Roles))
        inline[role] = (inline[role] ?? 0) + policyChars(properties.PolicyDocument);
    if (resource.Type === 'AWS::IAM::ManagedPolicy') {
      managed[id] = policyChars(properties.PolicyDocument);
      for (const role of roleIds(properties.Roles)) managedPerRole[role] = (managedPerRole[role] ?? 0) + 1;
    }
    if (resource.Type === 'AWS::Lambda::Function') {
      const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
      environment[id] = Object.entries(variables ?? {}).reduce(
        (sum, [key, value]) => sum + key.length + (typeof value === 'string' ? Buffer.byteLength(value) : size(value)),
        0,
      );
    }
  }
  return {
    inlinePolicyChars: inline,
    managedPolicyChars: managed,
    managedPoliciesPerRole: managedPerRole,
    environmentBytes: environment,
    templateBytes: Buffer.byteLength(JSON.stringify(template)),
    resources: Object.keys(template.Resources).length,
  };
}

/** Every limit the measurement breaks, as readable lines (empty when the template fits). */
export function breaches(measured: Measured): string[] {
  const over = (what: string, values: Record<string, number>, limit: number) =>
    Object.entries(values)
      .filter(([, value]) => value > limit)
      .map(([id, value]) => `${what} of ${id}: ${value} > ${limit}`);
  return [
    ...over('inline policy characters', measured.inlinePolicyChars, Limits.inlinePolicyCharsPerRole),
    ...over('managed policy characters', measured.managedPolicyChars, Limits.managedPolicyChars),
    ...over('managed policies', measured.managedPoliciesPerRole, Limits.managedPoliciesPerRole),
    ...over('environment bytes', measured.environmentBytes, Limits.environmentBytes),
    ...(measured.templateBytes > Limits.templateBytes
      ? [`template bytes: ${measured.templateBytes} > ${Limits.templateBytes}`]
      : []),
    ...(measured.resources > Limits.resources ? [`resources: ${measured.resources} > ${Limits.resources}`] : []),
  ];
}
