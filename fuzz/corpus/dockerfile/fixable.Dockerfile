FROM debian:12.5
MAINTAINER Jane Doe <jane@example.com>
ADD config.yaml /etc/app/
RUN apt-get update && apt-get install curl=7.88.1-10+deb12u5 \
      ca-certificates=20230311
RUN apk add git=2.45.2-r0
RUN pip install flask==3.0.3
RUN yum install httpd-2.4.6 && yum clean all
USER app
HEALTHCHECK CMD ["true"]
