import { Eip } from "@cdktf/provider-aws/lib/eip/index.js";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway/index.js";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway/index.js";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table/index.js";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association/index.js";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group/index.js";
import { Subnet } from "@cdktf/provider-aws/lib/subnet/index.js";
import { Vpc } from "@cdktf/provider-aws/lib/vpc/index.js";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint/index.js";
import { Construct } from "constructs";

export interface NetworkProps {
  prefix: string;
  region: string;
  cidr: string;
  /** Ports the load balancer forwards to the tasks. */
  servicePorts: number[];
}

/**
 * The VPC: two public subnets (internet gateway, one NAT gateway each) and two private subnets
 * for the tasks and Redis, each routing to the internet through its zone's NAT gateway — ECR,
 * Secrets Manager, CloudWatch Logs, SQS, AppConfig and the partners are reached that way — and to
 * DynamoDB and S3 (ECR's image layers) through free gateway endpoints.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly privateSubnets: Subnet[];
  readonly publicSubnets: Subnet[];
  readonly tasksSg: SecurityGroup;

  constructor(scope: Construct, id: string, p: NetworkProps) {
    super(scope, id);
    const name = (suffix: string) => ({ Name: `${p.prefix}-${suffix}` });
    this.vpc = new Vpc(this, "vpc", { cidrBlock: p.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: name("vpc") });
    const octets = p.cidr.split(".");
    const subnet = (kind: "public" | "private", az: string, third: number) =>
      new Subnet(this, `${kind}-${az}`, {
        vpcId: this.vpc.id,
        cidrBlock: `${octets[0]}.${octets[1]}.${third}.0/24`,
        availabilityZone: `${p.region}${az}`,
        mapPublicIpOnLaunch: false,
        tags: name(`${kind}-${az}`),
      });
    const zones = ["a", "b"];
    this.publicSubnets = zones.map((az, i) => subnet("public", az, i));
    this.privateSubnets = zones.map((az, i) => subnet("private", az, 10 + i));

    const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: name("igw") });
    const publicRoutes = new RouteTable(this, "public-routes", {
      vpcId: this.vpc.id,
      route: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: name("public"),
    });
    const privateRoutes = zones.map((az, i) => {
      const publicSubnet = this.publicSubnets[i] as Subnet;
      new RouteTableAssociation(this, `public-${az}-routes`, { subnetId: publicSubnet.id, routeTableId: publicRoutes.id });
      const eip = new Eip(this, `nat-${az}-ip`, { domain: "vpc", tags: name(`nat-${az}`), dependsOn: [igw] });
      const nat = new NatGateway(this, `nat-${az}`, {
        allocationId: eip.id,
        subnetId: publicSubnet.id,
        tags: name(`nat-${az}`),
        dependsOn: [igw],
      });
      const routes = new RouteTable(this, `private-${az}-routes`, {
        vpcId: this.vpc.id,
        route: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
        tags: name(`private-${az}`),
      });
      new RouteTableAssociation(this, `private-${az}-association`, {
        subnetId: (this.privateSubnets[i] as Subnet).id,
        routeTableId: routes.id,
      });
      return routes;
    });
    for (const service of ["dynamodb", "s3"]) {
      new VpcEndpoint(this, `${service}-endpoint`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${p.region}.${service}`,
        vpcEndpointType: "Gateway",
        routeTableIds: privateRoutes.map((r) => r.id),
        tags: name(service),
      });
    }

    this.tasksSg = new SecurityGroup(this, "tasks-sg", {
      name: `${p.prefix}-tasks`,
      description: "SyncWell tasks: HTTP from the load balancer inside the VPC, everything out",
      vpcId: this.vpc.id,
      ingress: p.servicePorts.map((port) => ({
        fromPort: port,
        toPort: port,
        protocol: "tcp",
        cidrBlocks: [p.cidr],
        description: "the internal network load balancer (API Gateway's VPC link) and its health checks",
      })),
      egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"], description: "partners and AWS APIs" }],
      tags: name("tasks"),
    });
  }
}
