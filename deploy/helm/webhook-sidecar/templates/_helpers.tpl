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

{{/*
The sidecar's container. Used by the gateway Deployment, and printed by NOTES.txt in sidecar mode for
pasting into an existing pod (or included by a parent chart: {{ include "webhook-sidecar.container" . }}).
*/}}
{{- define "webhook-sidecar.container" -}}
- name: webhook-sidecar
  image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args: ["run"]
  ports:
    - name: public
      containerPort: {{ .Values.ports.public }}
    - name: admin
      containerPort: {{ .Values.ports.admin }}
  env:
    - name: WEBHOOKSIDECAR_CONFIG
      value: /app/config/webhooksidecar.json
    - name: Sidecar__Observability__LogFormat
      value: {{ .Values.observability.logFormat | quote }}
    {{- if .Values.observability.frameworkRequestMetrics }}
    - name: Sidecar__Observability__FrameworkRequestMetrics
      value: "true"
    {{- end }}
    {{- if .Values.observability.otlpEndpoint }}
    - name: Sidecar__Observability__Otlp__Endpoint
      value: {{ .Values.observability.otlpEndpoint | quote }}
    - name: Sidecar__Observability__Otlp__Protocol
      value: {{ .Values.observability.otlpProtocol | quote }}
    {{- end }}
    # Drain within the pod's grace period, after the preStop delay.
    - name: Sidecar__Hosting__ShutdownGracePeriod
      value: "{{ max 1 (sub .Values.terminationGracePeriodSeconds (add .Values.preStopDelaySeconds 5)) }}s"
    {{- if .Values.redis.endpoint }}
    - name: Sidecar__Redis__Endpoints__0
      value: {{ .Values.redis.endpoint | quote }}
    {{- with .Values.redis.passwordSecret }}
    - name: WEBHOOK_SIDECAR_REDIS_PASSWORD
      valueFrom:
        secretKeyRef:
          name: {{ .name }}
          key: {{ .key }}
    - name: Sidecar__Redis__Password
      value: env:WEBHOOK_SIDECAR_REDIS_PASSWORD
    {{- end }}
    {{- end }}
    {{- if .Values.kafka.bootstrapServers }}
    - name: Sidecar__Kafka__BootstrapServers
      value: {{ .Values.kafka.bootstrapServers | quote }}
    {{- end }}
    {{- with .Values.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- if gt (int .Values.preStopDelaySeconds) 0 }}
  lifecycle:
    # Keep serving while Kubernetes removes the pod from the Service endpoints, then SIGTERM drains.
    preStop:
      exec:
        command: ["sleep", "{{ .Values.preStopDelaySeconds }}"]
  {{- end }}
  livenessProbe:
    httpGet:
      path: /healthz
      port: admin
    initialDelaySeconds: {{ .Values.probes.liveness.initialDelaySeconds }}
    periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
    failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
  readinessProbe:
    httpGet:
      path: /readyz
      port: admin
    initialDelaySeconds: {{ .Values.probes.readiness.initialDelaySeconds }}
    periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
    failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
  resources:
    {{- toYaml .Values.resources | nindent 4 }}
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  volumeMounts:
    - name: webhook-sidecar-config
      mountPath: /app/config
      readOnly: true
    - name: webhook-sidecar-tmp
      mountPath: /tmp
    {{- if .Values.queue.volume }}
    - name: webhook-sidecar-queue
      mountPath: /app/data
    {{- end }}
    {{- range .Values.secretMounts }}
    - name: webhook-sidecar-secret-{{ .name }}
      mountPath: /run/secrets/{{ .name }}
      readOnly: true
    {{- end }}
{{- end -}}

{{/* The volumes the container mounts. Prefixed names, so they do not clash with the app's own in sidecar mode. */}}
{{- define "webhook-sidecar.volumes" -}}
- name: webhook-sidecar-config
  configMap:
    name: {{ include "webhook-sidecar.fullname" . }}
# The root filesystem is read-only; .NET needs a writable /tmp.
- name: webhook-sidecar-tmp
  emptyDir:
    sizeLimit: 64Mi
{{- with .Values.queue.volume }}
# The embedded queue's database (Sidecar:Queue:Path defaults to data/webhooksidecar-queue.db under /app).
- name: webhook-sidecar-queue
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- range .Values.secretMounts }}
- name: webhook-sidecar-secret-{{ .name }}
  secret:
    secretName: {{ .secretName }}
{{- end }}
{{- end -}}
