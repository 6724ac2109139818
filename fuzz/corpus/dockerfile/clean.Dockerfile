# syntax=docker/dockerfile:1
ARG PY=3.12.4
FROM python:${PY}-slim-bookworm@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build
WORKDIR /src
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:${PY}-slim-bookworm@sha256:0000000000000000000000000000000000000000000000000000000000000000
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /app
COPY --from=build /usr/local/lib/python3.12 /usr/local/lib/python3.12
COPY app.py .
RUN useradd -l -u 10001 app
USER 10001
HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8080/health')"]
EXPOSE 8080
CMD ["python", "app.py"]
