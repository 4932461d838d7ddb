{{- define "webhook-sidecar.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "webhook-sidecar.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "webhook-sidecar.labels" -}}
app.kubernetes.io/name: {{ include "webhook-sidecar.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "webhook-sidecar.selectorLabels" -}}
app.kubernetes.io/name: {{ include "webhook-sidecar.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The configuration file: the user's config plus the two listeners from .Values.ports. */}}
{{- define "webhook-sidecar.config" -}}
{{- $listeners := dict "Kestrel" (dict "Endpoints" (dict "Public" (dict "Url" (printf "http://0.0.0.0:%v" .Values.ports.public)) "Admin" (dict "Url" (printf "http://0.0.0.0:%v" .Values.ports.admin)))) -}}
{{- mustMergeOverwrite (deepCopy .Values.config) $listeners | toPrettyJson -}}
{{- end -}}
