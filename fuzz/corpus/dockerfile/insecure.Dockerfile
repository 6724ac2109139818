# A deliberately insecure Dockerfile: every line is here to trigger a rule.
FROM ubuntu:latest
MAINTAINER ops@example.com
ENV DB_PASSWORD=correcthorsebattery42
ENV DOCKER_CONTENT_TRUST=0
ADD https://example.com/tool.tar.gz /opt/
ADD app.py /app/
RUN apt-get update
RUN apt-get install curl wget
RUN curl -fsSL https://get.example.com/install.sh | sh
RUN chmod 777 /app
RUN sudo useradd -u 1234567 app
EXPOSE 22 8080
CMD python /app/app.py
