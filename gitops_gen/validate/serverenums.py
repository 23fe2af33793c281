"""Closed value lists the API server's validation enforces and the field descriptions do not state.

``apiserver.enum_paths`` reads enums from descriptions ("Possible enum values", "One of ..."); these fields
have none a reader can trust (``roleRef.kind`` says only "the type of resource being referenced";
NetworkPolicy ``policyTypes`` writes its values as JSON lists; PVC ``accessModes`` links to the docs), yet
the API server rejects any other value.  The lists are the ones Kubernetes' validation code accepts
(pkg/apis/*/validation), for every version gitops-gen carries schemas of.  Patterns use ``[]`` for list
items, as ``fieldwalk.at`` reads them; ``POD`` fields apply under the pod spec of every workload kind.
"""

from __future__ import annotations

Pattern = tuple[str, ...]
Entries = tuple[tuple[Pattern, tuple[str, ...]], ...]

ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
VOLUME_MODES = ("Filesystem", "Block")
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
NODE_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")
PROFILE_TYPES = ("RuntimeDefault", "Unconfined", "Localhost")
PROTOCOLS = ("TCP", "UDP", "SCTP")
QUOTA_SCOPES = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
                "CrossNamespacePodAffinity")
METRIC_TARGETS = ("Utilization", "Value", "AverageValue")


def _selector(*at: str) -> Entries:
    return (((*at, "matchExpressions", "[]", "operator"), SELECTOR_OPERATORS),)


def _pvc_spec(*at: str) -> Entries:
    return (((*at, "accessModes", "[]"), ACCESS_MODES), ((*at, "volumeMode"), VOLUME_MODES))


def _containers(field: str) -> Entries:
    return (
        ((field, "[]", "terminationMessagePolicy"), ("File", "FallbackToLogsOnError")),
        ((field, "[]", "resizePolicy", "[]", "restartPolicy"), ("NotRequired", "RestartContainer")),
        ((field, "[]", "securityContext", "seccompProfile", "type"), PROFILE_TYPES),
        ((field, "[]", "securityContext", "appArmorProfile", "type"), PROFILE_TYPES),
        ((field, "[]", "securityContext", "procMount"), ("Default", "Unmasked")),
    )


_NODE_TERMS = ("affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", "[]")
_NODE_PREFERRED = ("affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution", "[]", "preference")


def _pod_affinity(kind: str) -> Entries:
    required = ("affinity", kind, "requiredDuringSchedulingIgnoredDuringExecution", "[]")
    preferred = ("affinity", kind, "preferredDuringSchedulingIgnoredDuringExecution", "[]", "podAffinityTerm")
    return (*_selector(*required, "labelSelector"), *_selector(*required, "namespaceSelector"),
            *_selector(*preferred, "labelSelector"), *_selector(*preferred, "namespaceSelector"))


POD: Entries = (
    *_containers("containers"), *_containers("initContainers"), *_containers("ephemeralContainers"),
    (("initContainers", "[]", "restartPolicy"), ("Always",)),
    (("securityContext", "seccompProfile", "type"), PROFILE_TYPES),
    (("securityContext", "appArmorProfile", "type"), PROFILE_TYPES),
    (("tolerations", "[]", "operator"), ("Exists", "Equal")),
    (("tolerations", "[]", "effect"), ("NoSchedule", "PreferNoSchedule", "NoExecute")),
    (("topologySpreadConstraints", "[]", "whenUnsatisfiable"), ("DoNotSchedule", "ScheduleAnyway")),
    (("topologySpreadConstraints", "[]", "nodeAffinityPolicy"), ("Honor", "Ignore")),
    (("topologySpreadConstraints", "[]", "nodeTaintsPolicy"), ("Honor", "Ignore")),
    *_selector("topologySpreadConstraints", "[]", "labelSelector"),
    ((*_NODE_TERMS, "matchExpressions", "[]", "operator"), NODE_OPERATORS),
    ((*_NODE_TERMS, "matchFields", "[]", "operator"), NODE_OPERATORS),
    ((*_NODE_PREFERRED, "matchExpressions", "[]", "operator"), NODE_OPERATORS),
    ((*_NODE_PREFERRED, "matchFields", "[]", "operator"), NODE_OPERATORS),
    *_pod_affinity("podAffinity"), *_pod_affinity("podAntiAffinity"),
    (("volumes", "[]", "hostPath", "type"), ("DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket",
                                            "CharDevice", "BlockDevice")),
    *_pvc_spec("volumes", "[]", "ephemeral", "volumeClaimTemplate", "spec"),
    (("os", "name"), ("linux", "windows")),
)

_JOB: Entries = (
    (("completionMode",), ("NonIndexed", "Indexed")),
    (("podReplacementPolicy",), ("TerminatingOrFailed", "Failed")),
    (("podFailurePolicy", "rules", "[]", "action"), ("FailJob", "Ignore", "Count", "FailIndex")),
    (("podFailurePolicy", "rules", "[]", "onExitCodes", "operator"), ("In", "NotIn")),
    *_selector("selector"),
)
_WEBHOOKS: Entries = (
    (("webhooks", "[]", "failurePolicy"), ("Ignore", "Fail")),
    (("webhooks", "[]", "sideEffects"), ("None", "NoneOnDryRun")),
    (("webhooks", "[]", "rules", "[]", "operations", "[]"), ("*", "CREATE", "UPDATE", "DELETE", "CONNECT")),
    (("webhooks", "[]", "rules", "[]", "scope"), ("*", "Cluster", "Namespaced")),
    *_selector("webhooks", "[]", "namespaceSelector"), *_selector("webhooks", "[]", "objectSelector"),
)


def _metrics() -> Entries:
    out: list[tuple[Pattern, tuple[str, ...]]] = [
        (("spec", "metrics", "[]", "type"), ("Object", "Pods", "Resource", "ContainerResource", "External"))]
    for source in ("object", "pods", "resource", "containerResource", "external"):
        out.append((("spec", "metrics", "[]", source, "target", "type"), METRIC_TARGETS))
    for direction in ("scaleUp", "scaleDown"):
        out.append((("spec", "behavior", direction, "selectPolicy"), ("Max", "Min", "Disabled")))
        out.append((("spec", "behavior", direction, "policies", "[]", "type"), ("Pods", "Percent")))
    return tuple(out)


def _network_policy() -> Entries:
    out: list[tuple[Pattern, tuple[str, ...]]] = [(("spec", "policyTypes", "[]"), ("Ingress", "Egress")),
                                                  *_selector("spec", "podSelector")]
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        out.append((("spec", direction, "[]", "ports", "[]", "protocol"), PROTOCOLS))
        out.extend(_selector("spec", direction, "[]", peers, "[]", "podSelector"))
        out.extend(_selector("spec", direction, "[]", peers, "[]", "namespaceSelector"))
    return tuple(out)


_RBAC_SUBJECTS: Entries = ((("subjects", "[]", "kind"), ("ServiceAccount", "User", "Group")),
                           (("roleRef", "apiGroup"), ("rbac.authorization.k8s.io",)))

# (API group, kind) -> fields outside the pod spec
BY_KIND: dict[tuple[str, str], Entries] = {
    ("", "PersistentVolumeClaim"): _pvc_spec("spec"),
    ("", "PersistentVolume"): (*_pvc_spec("spec"),
                               (("spec", "persistentVolumeReclaimPolicy"), ("Retain", "Delete", "Recycle"))),
    ("", "Service"): ((("spec", "ipFamilyPolicy"), ("SingleStack", "PreferDualStack", "RequireDualStack")),
                      (("spec", "externalTrafficPolicy"), ("Cluster", "Local")),
                      (("spec", "internalTrafficPolicy"), ("Cluster", "Local"))),
    ("", "ResourceQuota"): ((("spec", "scopes", "[]"), QUOTA_SCOPES),
                            (("spec", "scopeSelector", "matchExpressions", "[]", "scopeName"), QUOTA_SCOPES),
                            *_selector("spec", "scopeSelector")),
    ("", "LimitRange"): ((("spec", "limits", "[]", "type"), ("Pod", "Container", "PersistentVolumeClaim")),),
    ("apps", "Deployment"): ((("spec", "strategy", "type"), ("Recreate", "RollingUpdate")),
                             *_selector("spec", "selector")),
    ("apps", "DaemonSet"): ((("spec", "updateStrategy", "type"), ("RollingUpdate", "OnDelete")),
                            *_selector("spec", "selector")),
    ("apps", "ReplicaSet"): _selector("spec", "selector"),
    ("apps", "StatefulSet"): ((("spec", "updateStrategy", "type"), ("RollingUpdate", "OnDelete")),
                              (("spec", "podManagementPolicy"), ("OrderedReady", "Parallel")),
                              (("spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted"), ("Retain", "Delete")),
                              (("spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"), ("Retain", "Delete")),
                              *_pvc_spec("spec", "volumeClaimTemplates", "[]", "spec"),
                              *_selector("spec", "selector")),
    ("batch", "Job"): tuple((("spec", *p), v) for p, v in _JOB),
    ("batch", "CronJob"): tuple((("spec", "jobTemplate", "spec", *p), v) for p, v in _JOB),
    ("networking.k8s.io", "NetworkPolicy"): _network_policy(),
    ("rbac.authorization.k8s.io", "RoleBinding"): ((("roleRef", "kind"), ("Role", "ClusterRole")), *_RBAC_SUBJECTS),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): ((("roleRef", "kind"), ("ClusterRole",)), *_RBAC_SUBJECTS),
    ("policy", "PodDisruptionBudget"): ((("spec", "unhealthyPodEvictionPolicy"), ("IfHealthyBudget", "AlwaysAllow")),
                                        *_selector("spec", "selector")),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): _WEBHOOKS,
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): (
        *_WEBHOOKS, (("webhooks", "[]", "reinvocationPolicy"), ("Never", "IfNeeded"))),
    ("autoscaling", "HorizontalPodAutoscaler"): _metrics(),
}
