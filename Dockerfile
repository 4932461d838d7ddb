# syntax=docker/dockerfile:1
# Multi-stage: the SDK builds and publishes, the ASP.NET runtime image runs it as a non-root user.
# No secrets and no site configuration are baked in: mount the configuration at /app/config and
# secrets as files (e.g. /run/secrets/...) referenced as file:/run/secrets/... in it.
# No HEALTHCHECK: Kubernetes probes /healthz and /readyz on the admin port (9090).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/WebhookSidecar/WebhookSidecar.csproj src/WebhookSidecar/
RUN dotnet restore src/WebhookSidecar/WebhookSidecar.csproj
COPY src/ src/
RUN dotnet publish src/WebhookSidecar/WebhookSidecar.csproj --configuration Release --no-restore --output /app/publish

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app/publish ./
# The image's built-in non-root user (uid 1654).
USER $APP_UID
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    WEBHOOKSIDECAR_CONFIG=/app/config/webhooksidecar.json
EXPOSE 8080 9090
ENTRYPOINT ["./WebhookSidecar"]
CMD ["run"]
