FROM alpine:3.20 AS build
ARG V=1
ENV A=$V B=${V:-x}
RUN apk add --no-cache curl=8.0 && \
    curl -fsSL https://x/y.sh | sh
COPY --from=build --chown=1:1 /a /b
RUN <<EOF
set -e
echo hi > /f
EOF
ONBUILD RUN pip install -r r.txt
HEALTHCHECK --interval=5s CMD wget -q -O- http://localhost || exit 1
USER root
