import type { RuleCase } from '../helpers.js';

// hadolint DL3030..DL3041 specs; trivy-checks yum_clean_all_missing / missing_dnf_clean_all / missing_microdnf_clean_all / missing_zypper_clean tests
export const cases: RuleCase[] = [
  {
    id: 'BW-BUILD-037',
    bad: ['FROM centos:7\nRUN yum install httpd-2.4.24 && yum clean all'],
    good: ['FROM centos:7\nRUN yum install -y httpd-2.4.24 && yum clean all', 'FROM centos:7\nRUN yum install --assumeyes httpd-2.4.24', 'FROM centos:7\nRUN yum -y install httpd-2.4.24'],
  },
  {
    id: 'BW-BUILD-038',
    bad: ['FROM centos:7\nRUN yum install -y httpd-2.4.24', 'FROM centos:7\nRUN yum install -y vim-8.0 && yum clean packages'],
    good: ['FROM centos:7\nRUN yum install -y httpd-2.4.24 && yum clean all', 'FROM centos:7\nRUN yum install -y httpd-2.4.24 && rm -rf /var/cache/yum', 'FROM centos:7\nRUN --mount=type=cache,target=/var/cache/yum yum install -y httpd-2.4.24'],
  },
  {
    id: 'BW-BUILD-039',
    bad: ['FROM centos:7\nRUN yum install -y httpd && yum clean all'],
    good: ['FROM centos:7\nRUN yum install -y httpd-2.4.24 && yum clean all', 'FROM centos:7\nRUN yum install -y ./local.rpm'],
  },
  {
    id: 'BW-BUILD-040',
    bad: ['FROM opensuse/leap:15\nRUN zypper install httpd=2.4.24 && zypper clean'],
    good: ['FROM opensuse/leap:15\nRUN zypper install -y httpd=2.4.24 && zypper clean', 'FROM opensuse/leap:15\nRUN zypper --non-interactive install httpd=2.4.24', 'FROM opensuse/leap:15\nRUN zypper -n in httpd=2.4.24'],
  },
  {
    id: 'BW-BUILD-041',
    bad: ['FROM opensuse/leap:15\nRUN zypper install -y httpd=2.4.24'],
    good: ['FROM opensuse/leap:15\nRUN zypper install -y httpd=2.4.24 && zypper clean', 'FROM opensuse/leap:15\nRUN zypper install -y httpd=2.4.24 && zypper cc'],
  },
  {
    id: 'BW-BUILD-042',
    bad: ['FROM opensuse/leap:15\nRUN zypper install -y httpd && zypper clean'],
    good: ['FROM opensuse/leap:15\nRUN zypper install -y httpd=2.4.24 && zypper clean', "FROM opensuse/leap:15\nRUN zypper install -y 'httpd>=2.4' && zypper clean"],
  },
  {
    id: 'BW-BUILD-043',
    bad: ['FROM fedora:40\nRUN dnf install httpd-2.4.24 && dnf clean all'],
    good: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.24 && dnf clean all', 'FROM fedora:40\nRUN dnf --assumeyes install httpd-2.4.24'],
  },
  {
    id: 'BW-BUILD-044',
    bad: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.24', 'FROM ubi9/ubi-minimal:9.4\nRUN microdnf install -y httpd-2.4.24'],
    good: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.24 && dnf clean all', 'FROM ubi9/ubi-minimal:9.4\nRUN microdnf install -y httpd-2.4.24 && microdnf clean all', 'FROM fedora:40\nRUN dnf install -y httpd-2.4.24 && rm -rf /var/cache/dnf'],
  },
  {
    id: 'BW-BUILD-045',
    bad: ['FROM fedora:40\nRUN dnf install -y httpd && dnf clean all'],
    good: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.24 && dnf clean all'],
  },
  {
    id: 'BW-BUILD-046',
    bad: ['FROM fedora:40\nRUN dnf install -y httpd-2.4.24 && dnf clean all'],
    good: ['FROM fedora:40\nRUN dnf install -y --nodocs httpd-2.4.24 && dnf clean all', 'FROM fedora:40\nRUN dnf --setopt=tsflags=nodocs install -y httpd-2.4.24'],
  },
];
